<?php
// The same as settle_http.php through the gRPC stubs (ext-grpc, after `composer install` here):
// registers a steward, settles an order, refunds part of it and prints the campaign's ranking.
//
//   php examples/settle_grpc.php [HOST:PORT] [CAMPAIGN]      (default 127.0.0.1:9090 autumn)
//   COMMISSION_TOKEN=... when the server asks for a bearer token

require __DIR__ . '/../vendor/autoload.php';

use Commission\V1\CommissionRule;
use Commission\V1\CommissionServiceClient;
use Commission\V1\CreateCampaignRequest;
use Commission\V1\GetRankingRequest;
use Commission\V1\OrderLine;
use Commission\V1\Outcome;
use Commission\V1\RankingScope;
use Commission\V1\RankingServiceClient;
use Commission\V1\RegisterStewardRequest;
use Commission\V1\ReverseCommissionRequest;
use Commission\V1\SettleCommissionRequest;

$target = $argv[1] ?? '127.0.0.1:9090';
$campaign = $argv[2] ?? 'autumn';
$channel = ['credentials' => Grpc\ChannelCredentials::createInsecure()];
$metadata = getenv('COMMISSION_TOKEN') ? ['authorization' => ['Bearer ' . getenv('COMMISSION_TOKEN')]] : [];
$commission = new CommissionServiceClient($target, $channel);
$ranking = new RankingServiceClient($target, $channel);

/** Waits for a unary call; on an error prints its code and details and stops. */
function answer(Grpc\UnaryCall $call)
{
    [$reply, $status] = $call->wait();
    if ($status->code !== Grpc\STATUS_OK) {
        // The google.rpc.Status with its ErrorInfo reason and BadRequest violations is in
        // $status->metadata['grpc-status-details-bin'] (decode it with google/common-protos).
        fprintf(STDERR, "gRPC code %d: %s\n", $status->code, $status->details);
        exit(1);
    }
    return $reply;
}

answer($commission->CreateCampaign(new CreateCampaignRequest([
    'campaign_id' => $campaign,
    'name' => 'Autumn coupons',
    'rule' => new CommissionRule(['rate_bps' => 500]),
]), $metadata));
answer($commission->RegisterSteward(new RegisterStewardRequest([
    'campaign_id' => $campaign,
    'steward_id' => 's1',
    'name' => 'Li Na',
    'region_id' => 'east',
    'group_id' => 'g1',
]), $metadata));
$settled = answer($commission->SettleCommission(new SettleCommissionRequest([
    'campaign_id' => $campaign,
    'order_no' => 'o-1001',
    'steward_id' => 's1',
    'lines' => [new OrderLine(['sku_id' => 'sku-7', 'quantity' => 2, 'paid_fen' => 19900])],
]), $metadata));
printf("settled %s: %d fen (%s)\n", $settled->getOrderNo(), $settled->getCommissionFen(),
    Outcome::name($settled->getOutcome()));

$refunded = answer($commission->ReverseCommission(new ReverseCommissionRequest([
    'campaign_id' => $campaign,
    'order_no' => 'o-1001',
    'refund_id' => 'r-1',
    'refund_fen' => 9900,
]), $metadata));
printf("refunded %s: %d fen taken back (%s)\n", $refunded->getRefundId(), $refunded->getReversedFen(),
    Outcome::name($refunded->getOutcome()));

$page = answer($ranking->GetRanking(new GetRankingRequest([
    'campaign_id' => $campaign,
    'scope' => new RankingScope(['kind' => RankingScope\Kind::STEWARDS]),
    'limit' => 10,
]), $metadata));
foreach ($page->getEntries() as $entry) {
    printf("#%d %s %.2f yuan\n", $entry->getRank(), $entry->getMemberId(), $entry->getScoreFen() / 100);
}
