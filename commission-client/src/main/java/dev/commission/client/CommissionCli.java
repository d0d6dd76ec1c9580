package dev.commission.client;

import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TextFormat;
import dev.commission.api.v1.AuditProgress;
import dev.commission.api.v1.CloseCampaignRequest;
import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.DiscardDeadLetterRequest;
import dev.commission.api.v1.GetQueueStatsRequest;
import dev.commission.api.v1.GetSettlementRequest;
import dev.commission.api.v1.ListDeadLettersRequest;
import dev.commission.api.v1.ReplayDeadLetterRequest;
import dev.commission.api.v1.GetCampaignRequest;
import dev.commission.api.v1.GetOrderRequest;
import dev.commission.api.v1.ListLedgerRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.RankingSnapshot;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.Tier;
import dev.commission.api.v1.Tiers;
import dev.commission.api.v1.TransferPolicy;
import dev.commission.api.v1.WatchRankingRequest;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A command-line tool over {@link CommissionClient}: one command per call, the reply printed as
 * protobuf text. {@code --target host:port} (default localhost:9090) picks the server.
 */
public final class CommissionCli {
    private static final String USAGE = """
            usage: commission-cli [--target host:port] [--token TOKEN] [--ca FILE [--cert FILE --key FILE]] COMMAND ARGS
              --token: bearer token (else env COMMISSION_TOKEN); --ca: TLS, trusting this PEM CA;
              --cert/--key: client certificate for mutual TLS
              create-campaign ID NAME (fixed=FEN | rate=BPS | tiers=MIN:BPS,MIN:BPS...) [cap=FEN] [FOLLOW|STAY]
              campaign ID                      close-campaign ID
              register CAMPAIGN STEWARD NAME REGION GROUP
              steward CAMPAIGN STEWARD
              settle CAMPAIGN ORDER STEWARD SKU:QTY:PAID_FEN... [buyer=ID]
              refund CAMPAIGN ORDER REFUND_ID FEN
              adjust CAMPAIGN ADJUSTMENT_ID STEWARD DELTA_FEN REASON...
              transfer CAMPAIGN STEWARD TRANSFER_ID REGION GROUP
              order CAMPAIGN ORDER
              ranking CAMPAIGN SCOPE [LIMIT]   (SCOPE: STEWARDS, GROUPS, REGIONS, STEWARDS_IN_GROUP:g1, ...)
              standing CAMPAIGN STEWARD
              watch CAMPAIGN SCOPE [TOP_N]
              ledger CAMPAIGN [AFTER] [LIMIT]  reconcile CAMPAIGN  rebuild CAMPAIGN
            settlement queue:
              submit CAMPAIGN ORDER STEWARD SKU:QTY:PAID_FEN...   queue a settlement; answers once stored
              settlement CAMPAIGN ORDER        where an order stands: QUEUED, SETTLED or DEAD
              dead-letters [CAMPAIGN|-] [AFTER] [LIMIT]
              replay DEAD_LETTER_ID            discard DEAD_LETTER_ID REASON...
              queue                            depth, in flight, oldest age, retries, dead letters
            """ + MetricsCommands.USAGE;

    private static final Set<String> OPTIONS = Set.of("--target", "--token", "--ca", "--cert", "--key");

    private CommissionCli() {
    }

    public static void main(String[] argv) throws InterruptedException {
        List<String> args = new ArrayList<>(Arrays.asList(argv));
        Map<String, String> options = new HashMap<>(Map.of("--target", "localhost:9090"));
        String envToken = System.getenv("COMMISSION_TOKEN");
        if (envToken != null && !envToken.isBlank()) {
            options.put("--token", envToken);
        }
        while (args.size() >= 2 && OPTIONS.contains(args.get(0))) {
            options.put(args.get(0), args.get(1));
            args = args.subList(2, args.size());
        }
        if (args.isEmpty()) {
            System.err.print(USAGE);
            System.exit(2);
        }
        ManagedChannel channel;
        try {
            channel = Grpc.newChannelBuilder(options.get("--target"), credentials(options)).build();
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Channel calls = options.containsKey("--token")
                ? ClientInterceptors.intercept(channel, new BearerToken(options.get("--token"))) : channel;
        int exit;
        try {
            exit = run(new CommissionClient(calls), calls, args, System.out);
        } catch (StatusRuntimeException e) {
            System.err.println("error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            CommissionErrors.reason(e).ifPresent(reason -> System.err.println("  reason: " + reason));
            CommissionErrors.fieldViolations(e).forEach(v -> System.err.println("  field " + v));
            exit = 1;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            exit = 2;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        System.exit(exit);
    }

    /** Plaintext, or TLS trusting {@code --ca} (with a client certificate for mutual TLS). */
    private static ChannelCredentials credentials(Map<String, String> options) throws IOException {
        if (!options.containsKey("--ca")) {
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder().trustManager(new File(options.get("--ca")));
        if (options.containsKey("--cert") || options.containsKey("--key")) {
            if (!options.containsKey("--cert") || !options.containsKey("--key")) {
                throw new IllegalArgumentException("a client certificate needs both --cert and --key");
            }
            tls.keyManager(new File(options.get("--cert")), new File(options.get("--key")));
        }
        return tls.build();
    }

    static int run(CommissionClient client, Channel channel, List<String> args, PrintStream out) {
        String command = args.get(0);
        List<String> a = args.subList(1, args.size());
        MessageOrBuilder reply = switch (command) {
            case "create-campaign" -> client.createCampaign(a.get(0), a.get(1), rule(a.subList(2, a.size())),
                    a.contains("STAY") ? TransferPolicy.STAY : TransferPolicy.FOLLOW);
            case "campaign" -> client.commission().getCampaign(GetCampaignRequest.newBuilder().setCampaignId(a.get(0)).build());
            case "close-campaign" -> client.commission().closeCampaign(CloseCampaignRequest.newBuilder().setCampaignId(a.get(0)).build());
            case "register" -> client.registerSteward(a.get(0), a.get(1), a.get(2), a.get(3), a.get(4));
            case "steward" -> client.steward(a.get(0), a.get(1));
            case "settle" -> client.settle(a.get(0), a.get(1), a.get(2), lines(withoutBuyer(a.subList(3, a.size()))),
                    buyer(a.subList(3, a.size())));
            case "refund" -> client.refund(a.get(0), a.get(1), a.get(2), Long.parseLong(a.get(3)));
            case "adjust" -> client.adjust(a.get(0), a.get(1), a.get(2), Long.parseLong(a.get(3)),
                    String.join(" ", a.subList(4, a.size())));
            case "transfer" -> client.transfer(a.get(0), a.get(1), a.get(2), a.get(3), a.get(4));
            case "order" -> client.commission().getOrder(GetOrderRequest.newBuilder().setCampaignId(a.get(0)).setOrderNo(a.get(1)).build());
            case "ranking" -> client.ranking(a.get(0), CommissionClient.scope(a.get(1)), 0, a.size() > 2 ? Integer.parseInt(a.get(2)) : 10);
            case "standing" -> client.standing(a.get(0), a.get(1));
            case "ledger" -> client.commission().listLedger(ListLedgerRequest.newBuilder().setCampaignId(a.get(0))
                    .setAfter(a.size() > 1 ? a.get(1) : "").setLimit(a.size() > 2 ? Integer.parseInt(a.get(2)) : 100).build());
            case "reconcile" -> client.reconcile(a.get(0), CommissionCli::progress);
            case "rebuild" -> client.rebuildRankings(a.get(0), CommissionCli::progress);
            case "submit" -> client.submit(a.get(0), a.get(1), a.get(2), lines(a.subList(3, a.size())));
            case "settlement" -> client.settlement().getSettlement(GetSettlementRequest.newBuilder()
                    .setCampaignId(a.get(0)).setOrderNo(a.get(1)).build());
            case "dead-letters" -> client.settlement().listDeadLetters(ListDeadLettersRequest.newBuilder()
                    .setCampaignId(a.isEmpty() || a.get(0).equals("-") ? "" : a.get(0))
                    .setAfter(a.size() > 1 ? a.get(1) : "").setLimit(a.size() > 2 ? Integer.parseInt(a.get(2)) : 100).build());
            case "replay" -> client.settlement().replayDeadLetter(ReplayDeadLetterRequest.newBuilder().setId(a.get(0)).build());
            case "discard" -> client.settlement().discardDeadLetter(DiscardDeadLetterRequest.newBuilder().setId(a.get(0))
                    .setReason(String.join(" ", a.subList(1, a.size()))).build());
            case "queue" -> client.settlement().getQueueStats(GetQueueStatsRequest.getDefaultInstance());
            case "catalogue", "visits", "sms", "metrics" -> MetricsCommands.run(channel, command, a);
            case "watch" -> {
                watch(channel, a, out);
                yield null;
            }
            default -> throw new IllegalArgumentException("unknown command " + command);
        };
        if (reply != null) {
            out.println(TextFormat.printer().escapingNonAscii(false).shortDebugString(reply));
        }
        return 0;
    }

    /** A long audit's progress, on stderr so that stdout keeps only the reply. */
    private static void progress(AuditProgress p) {
        System.err.println("  " + p.getPhase() + " " + p.getDone() + (p.getTotal() > 0 ? "/" + p.getTotal() : "")
                + " (ledger at " + p.getLedgerPosition() + ")");
    }

    private static void watch(Channel channel, List<String> a, PrintStream out) {
        Iterator<RankingSnapshot> snapshots = RankingServiceGrpc.newBlockingStub(channel).watchRanking(
                WatchRankingRequest.newBuilder().setCampaignId(a.get(0)).setScope(CommissionClient.scope(a.get(1)))
                        .setTopN(a.size() > 2 ? Integer.parseInt(a.get(2)) : 10).build());
        while (snapshots.hasNext()) {
            out.println(TextFormat.printer().escapingNonAscii(false).shortDebugString(snapshots.next()));
        }
    }

    static CommissionRule rule(List<String> words) {
        CommissionRule.Builder rule = CommissionRule.newBuilder();
        for (String word : words) {
            String[] kv = word.split("=", 2);
            switch (kv[0]) {
                case "fixed" -> rule.setFixedFen(Long.parseLong(kv[1]));
                case "rate" -> rule.setRateBps(Integer.parseInt(kv[1]));
                case "cap" -> rule.setCapFen(Long.parseLong(kv[1]));
                case "tiers" -> {
                    Tiers.Builder tiers = Tiers.newBuilder();
                    for (String tier : kv[1].split(",")) {
                        String[] parts = tier.split(":");
                        tiers.addTiers(Tier.newBuilder().setMinSalesFen(Long.parseLong(parts[0])).setRateBps(Integer.parseInt(parts[1])));
                    }
                    rule.setTiers(tiers);
                }
                case "FOLLOW", "STAY" -> { }
                default -> throw new IllegalArgumentException("unknown rule word " + word);
            }
        }
        return rule.build();
    }

    /** The {@code buyer=ID} word among a settlement's words, or "". */
    static String buyer(List<String> words) {
        return words.stream().filter(w -> w.startsWith("buyer=")).map(w -> w.substring(6)).findFirst().orElse("");
    }

    static List<String> withoutBuyer(List<String> words) {
        return words.stream().filter(w -> !w.startsWith("buyer=")).toList();
    }

    static List<OrderLine> lines(List<String> words) {
        List<OrderLine> lines = new ArrayList<>();
        for (String word : words) {
            String[] parts = word.split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException("a line is SKU:QTY:PAID_FEN, not " + word);
            }
            lines.add(CommissionClient.line(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2])));
        }
        return lines;
    }
}
