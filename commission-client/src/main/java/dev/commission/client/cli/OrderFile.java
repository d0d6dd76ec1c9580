package dev.commission.client.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.SettleCommissionRequest;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Orders to replay, read one at a time so that a file of millions fits in little memory.
 * <ul>
 * <li>{@code .jsonl}: one {@code SettleCommissionRequest} a line in proto3 JSON (the names of
 * {@code settlement.proto} in camelCase or snake_case); unknown fields are an error.</li>
 * <li>{@code .csv}: a header row naming the columns, in any order: {@code order_no}, {@code steward_id},
 * {@code sku_id}, {@code quantity}, {@code paid_fen}, and optionally {@code campaign_id}, {@code region_id},
 * {@code group_id}, {@code steward_name}. One row per order line; the rows of one order follow each
 * other, and its steward and placement are read from its first row. Fields may be double-quoted.</li>
 * </ul>
 * A campaign missing from a line or row is {@code defaultCampaign}. A line that does not parse is
 * an {@link IllegalArgumentException} naming the file and the line number.
 */
final class OrderFile implements Closeable {
    private static final List<String> REQUIRED = List.of("order_no", "steward_id", "sku_id", "quantity", "paid_fen");

    private final Path file;
    private final String defaultCampaign;
    private final BufferedReader reader;
    private final boolean csv;
    private Map<String, Integer> columns;
    private int lineNo;
    private SettleCommissionRequest.Builder pending;

    private OrderFile(Path file, String defaultCampaign) throws IOException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (!name.endsWith(".csv") && !name.endsWith(".jsonl") && !name.endsWith(".ndjson")) {
            throw new IllegalArgumentException(file + ": a load file is .csv or .jsonl");
        }
        this.file = file;
        this.defaultCampaign = defaultCampaign == null ? "" : defaultCampaign;
        this.csv = name.endsWith(".csv");
        this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    }

    /** Opens the file for reading; a file that is missing or of another kind is an error. */
    static OrderFile open(Path file, String defaultCampaign) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(file + ": no such file, or not readable");
        }
        return new OrderFile(file, defaultCampaign);
    }

    /** Reads the whole file once: checks every line and counts its orders. */
    static long count(Path file, String defaultCampaign) throws IOException {
        long orders = 0;
        try (OrderFile reader = open(file, defaultCampaign)) {
            while (reader.next() != null) {
                orders++;
            }
        }
        return orders;
    }

    /** The next order, or null at the end. */
    synchronized SettleCommissionRequest next() throws IOException {
        return csv ? nextCsv() : nextJson();
    }

    private SettleCommissionRequest nextJson() throws IOException {
        String line;
        do {
            line = reader.readLine();
            lineNo++;
            if (line == null) {
                return null;
            }
        } while (line.isBlank());
        SettleCommissionRequest.Builder order = SettleCommissionRequest.newBuilder();
        try {
            JsonFormat.parser().merge(line, order);
        } catch (InvalidProtocolBufferException e) {
            throw bad(e.getMessage());
        }
        return withCampaign(order);
    }

    private SettleCommissionRequest nextCsv() throws IOException {
        if (columns == null) {
            readHeader();
        }
        while (true) {
            String line = reader.readLine();
            lineNo++;
            if (line == null) {
                SettleCommissionRequest last = pending == null ? null : withCampaign(pending);
                pending = null;
                return last;
            }
            if (line.isBlank()) {
                continue;
            }
            List<String> row = fields(line);
            String campaign = column(row, "campaign_id");
            String orderNo = required(row, "order_no");
            OrderLine orderLine = OrderLine.newBuilder().setSkuId(required(row, "sku_id"))
                    .setQuantity(number(row, "quantity")).setPaidFen(number(row, "paid_fen")).build();
            if (pending != null && pending.getOrderNo().equals(orderNo) && pending.getCampaignId().equals(campaign)) {
                pending.addLines(orderLine);
                continue;
            }
            SettleCommissionRequest done = pending == null ? null : withCampaign(pending);
            pending = SettleCommissionRequest.newBuilder().setCampaignId(campaign).setOrderNo(orderNo)
                    .setStewardId(required(row, "steward_id")).setRegionId(column(row, "region_id"))
                    .setGroupId(column(row, "group_id")).setStewardName(column(row, "steward_name")).addLines(orderLine);
            if (done != null) {
                return done;
            }
        }
    }

    private void readHeader() throws IOException {
        String header = reader.readLine();
        lineNo++;
        if (header == null) {
            throw bad("no header row (" + String.join(",", REQUIRED) + "[,campaign_id,region_id,group_id,steward_name])");
        }
        columns = new HashMap<>();
        List<String> names = fields(header.startsWith("\uFEFF") ? header.substring(1) : header);
        for (int i = 0; i < names.size(); i++) {
            columns.put(names.get(i).trim().toLowerCase(java.util.Locale.ROOT), i);
        }
        for (String name : REQUIRED) {
            if (!columns.containsKey(name)) {
                throw bad("the header has no column " + name + " (it has " + String.join(",", names) + ")");
            }
        }
    }

    private SettleCommissionRequest withCampaign(SettleCommissionRequest.Builder order) {
        if (order.getCampaignId().isEmpty()) {
            if (defaultCampaign.isEmpty()) {
                throw bad("no campaign: give a campaign_id, or --campaign");
            }
            order.setCampaignId(defaultCampaign);
        }
        return order.build();
    }

    private String column(List<String> row, String name) {
        Integer index = columns.get(name);
        return index == null || index >= row.size() ? "" : row.get(index).trim();
    }

    private String required(List<String> row, String name) {
        String value = column(row, name);
        if (value.isEmpty()) {
            throw bad(name + " is empty");
        }
        return value;
    }

    private long number(List<String> row, String name) {
        String value = required(row, name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw bad(name + " '" + value + "' is not a whole number");
        }
    }

    /** One CSV row: fields split on commas, a double-quoted field may hold commas and "" for a quote. */
    private List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                field.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw bad("a quoted field is not closed");
        }
        fields.add(field.toString());
        return fields;
    }

    private IllegalArgumentException bad(String what) {
        return new IllegalArgumentException(file.getFileName() + ":" + lineNo + ": " + what);
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
