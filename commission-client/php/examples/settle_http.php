<?php
// Registers a steward, settles an order, refunds part of it and prints the campaign's ranking,
// over HTTP/JSON (ext-curl and ext-json only). Safe to run again: every write is idempotent.
//
//   php examples/settle_http.php [BASE_URL] [CAMPAIGN]      (default http://127.0.0.1:8080 autumn)
//   COMMISSION_TOKEN=... when the server asks for a bearer token

require __DIR__ . '/../http-autoload.php';

use Commission\V1\Http\CommissionException;
use Commission\V1\Http\CommissionServiceClient;
use Commission\V1\Http\RankingServiceClient;

$baseUrl = $argv[1] ?? 'http://127.0.0.1:8080';
$campaign = $argv[2] ?? 'autumn';
$opts = getenv('COMMISSION_TOKEN') ? ['token' => getenv('COMMISSION_TOKEN')] : [];
$commission = new CommissionServiceClient($baseUrl, $opts);
$ranking = new RankingServiceClient($baseUrl, $opts);

try {
    $commission->CreateCampaign([
        'campaignId' => $campaign,
        'name' => 'Autumn coupons',
        'rule' => ['rateBps' => 500],
    ]);
    $commission->RegisterSteward([
        'campaignId' => $campaign,
        'stewardId' => 's1',
        'name' => 'Li Na',
        'regionId' => 'east',
        'groupId' => 'g1',
    ]);
    $settled = $commission->SettleCommission([
        'campaignId' => $campaign,
        'orderNo' => 'o-1001',
        'stewardId' => 's1',
        'lines' => [['skuId' => 'sku-7', 'quantity' => 2, 'paidFen' => 19900]],
    ]);
    printf("settled %s: %d fen (%s)\n", $settled['orderNo'], $settled['commissionFen'], $settled['outcome']);

    $refunded = $commission->ReverseCommission([
        'campaignId' => $campaign,
        'orderNo' => 'o-1001',
        'refundId' => 'r-1',
        'refundFen' => 9900,
    ]);
    printf("refunded %s: %d fen taken back (%s)\n", $refunded['refundId'], $refunded['reversedFen'], $refunded['outcome']);

    $page = $ranking->GetRanking(['campaignId' => $campaign, 'scope' => ['kind' => 'STEWARDS'], 'limit' => 10]);
    foreach ($page['entries'] as $entry) {
        printf("#%d %s %.2f yuan\n", $entry['rank'], $entry['memberId'], $entry['scoreFen'] / 100);
    }
} catch (CommissionException $e) {
    // getCode() is the gRPC code; the reason and the field violations say what to fix.
    fprintf(STDERR, "%s (%s): %s\n", $e->getStatusName(), $e->getReason() ?? 'no reason', $e->getMessage());
    foreach ($e->getViolations() as $violation) {
        fprintf(STDERR, "  %s: %s\n", $violation['field'], $violation['description']);
    }
    exit(1);
}
