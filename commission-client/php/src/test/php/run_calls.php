<?php
// Reads a list of calls as JSON on stdin: [{"service": "CommissionService", "method":
// "SettleCommission", "request": {...proto3 JSON...}}, ...]; makes each one through the typed
// HTTP/JSON client against BASE_URL (argv[1]) and prints one line per call, in order:
// "reply {...}" or "error {"code": 3, "status": "INVALID_ARGUMENT", "reason": ..., "violations":
// [...], "message": ..., "httpStatus": 400}".

require __DIR__ . '/../../../http-autoload.php';

use Commission\V1\Http\CommissionException;

$baseUrl = $argv[1];
$opts = getenv('COMMISSION_TOKEN') ? ['token' => getenv('COMMISSION_TOKEN')] : [];
$calls = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
$clients = [];
foreach ($calls as $call) {
    $class = 'Commission\\V1\\Http\\' . $call['service'] . 'Client';
    $client = $clients[$class] ??= new $class($baseUrl, $opts);
    try {
        $reply = $client->{$call['method']}($call['request']);
        echo 'reply ', json($reply), "\n";
    } catch (CommissionException $e) {
        echo 'error ', json([
            'code' => $e->getCode(),
            'status' => $e->getStatusName(),
            'reason' => $e->getReason(),
            'violations' => $e->getViolations(),
            'message' => $e->getMessage(),
            'httpStatus' => $e->getHttpStatus(),
        ]), "\n";
    }
}

function json(array $value): string
{
    return json_encode($value, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION);
}
