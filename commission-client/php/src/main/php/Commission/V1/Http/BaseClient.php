<?php

namespace Commission\V1\Http;

/**
 * What the generated HTTP/JSON clients share: one call is POST /<package>.<Service>/<Method>
 * with the request's proto3 JSON as the body and the reply's proto3 JSON back (the Connect
 * protocol's unary shape), over ext-curl with one connection kept open between calls. The reply
 * is completed from Schema: every field present, int64 as int (PHP's int is 64 bits).
 */
abstract class BaseClient
{
    private string $baseUrl;
    private array $headers;
    private float $timeout;
    private float $connectTimeout;
    /** @var \CurlHandle|resource|null */
    private $curl = null;

    /**
     * @param string $baseUrl the server's HTTP address, e.g. http://127.0.0.1:8080
     * @param array $opts 'token' => bearer token; 'timeout' => seconds a call may take (10);
     *                    'connect_timeout' => seconds to connect (5); 'headers' => name => value
     */
    public function __construct(string $baseUrl, array $opts = [])
    {
        $this->baseUrl = rtrim($baseUrl, '/');
        $this->headers = $opts['headers'] ?? [];
        if (isset($opts['token'])) {
            $this->headers['Authorization'] = 'Bearer ' . $opts['token'];
        }
        $this->timeout = (float) ($opts['timeout'] ?? 10);
        $this->connectTimeout = (float) ($opts['connect_timeout'] ?? 5);
    }

    /** Closes the connection kept open between calls; the next call opens a new one. */
    public function close(): void
    {
        $this->curl = null;
    }

    /**
     * @param string $method /<package>.<Service>/<Method>
     * @param array $argument the request in its proto3 JSON form
     * @param string $requestType the request message's full name, a key of Schema::MESSAGES
     * @param string $replyType the reply message's full name, a key of Schema::MESSAGES
     * @param array $metadata headers for this call, name => value
     * @param array $options 'timeout' => seconds this call may take
     * @return array the reply in its proto3 JSON form, completed
     * @throws CommissionException
     */
    protected function _simpleRequest(
        string $method,
        array $argument,
        string $requestType,
        string $replyType,
        array $metadata = [],
        array $options = []
    ): array {
        $body = json_encode(
            self::request('message:' . $requestType, $argument),
            JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION
        );
        if ($body === false) {
            throw new CommissionException('invalid_argument', 'request is not JSON: ' . json_last_error_msg());
        }
        // The server stops working on the call once the caller has stopped waiting for it.
        $timeoutMs = (int) (1000 * ($options['timeout'] ?? $this->timeout));
        $headers = ['Content-Type: application/json', 'Connect-Protocol-Version: 1', "Connect-Timeout-Ms: $timeoutMs"];
        foreach ($metadata + $this->headers as $name => $value) {
            $headers[] = "$name: $value";
        }
        $curl = $this->curl ??= curl_init();
        curl_reset($curl);
        curl_setopt_array($curl, [
            CURLOPT_URL => $this->baseUrl . $method,
            CURLOPT_POST => true,
            CURLOPT_POSTFIELDS => $body,
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT_MS => $timeoutMs,
            CURLOPT_CONNECTTIMEOUT_MS => (int) (1000 * $this->connectTimeout),
        ]);
        $reply = curl_exec($curl);
        if ($reply === false) {
            throw CommissionException::fromTransport(curl_errno($curl), curl_error($curl));
        }
        $status = (int) curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        if ($status !== 200) {
            throw CommissionException::fromResponse($status, $reply);
        }
        $json = json_decode($reply, true, 512, JSON_BIGINT_AS_STRING);
        if (!is_array($json)) {
            throw new CommissionException('internal', 'reply is not a JSON object: ' . substr($reply, 0, 200));
        }
        return self::message($replyType, $json);
    }

    /**
     * A request ready for json_encode: PHP has one empty array for [] and {}, so an empty message
     * or map (the whole request included) becomes an object; a list stays a list.
     */
    private static function request(string $type, $value)
    {
        if (!is_array($value)) {
            return $value;
        }
        $type = ltrim($type, '?');
        $kind = substr($type, 0, 2);
        if ($kind === '[]' || $kind === '{}') {
            $each = array_map(fn($item) => self::request(substr($type, 2), $item), $value);
            return $kind === '{}' && $each === [] ? new \stdClass() : $each;
        }
        if (strncmp($type, 'message:', 8) !== 0) {
            return $value;
        }
        foreach (Schema::MESSAGES[substr($type, 8)] ?? [] as $field => $fieldType) {
            if (array_key_exists($field, $value)) {
                $value[$field] = self::request($fieldType, $value[$field]);
            }
        }
        return $value === [] ? new \stdClass() : $value;
    }

    /** A message's fields as Schema lists them, absent ones at their zero; unknown ones kept. */
    private static function message(string $name, array $json): array
    {
        $out = [];
        foreach (Schema::MESSAGES[$name] ?? [] as $field => $type) {
            if (array_key_exists($field, $json)) {
                $out[$field] = self::value($type, $json[$field]);
            } elseif ($type[0] !== '?') {
                $out[$field] = self::zero($type);
            }
        }
        return $out + $json;
    }

    private static function value(string $type, $value)
    {
        $kind = substr($type, 0, 2);
        if ($kind === '[]' || $kind === '{}') {
            return array_map(fn($each) => self::value(substr($type, 2), $each), $value);
        }
        if ($type[0] === '?') {
            return self::value(substr($type, 1), $value);
        }
        if (strncmp($type, 'message:', 8) === 0) {
            return self::message(substr($type, 8), $value);
        }
        switch ($type) {
            case 'int64':
            case 'int32':
                return (int) $value;
            case 'double':
                return is_string($value) ? self::specialDouble($value) : (float) $value;
            default:
                return $value;
        }
    }

    private static function zero(string $type)
    {
        $kind = substr($type, 0, 2);
        if ($kind === '[]' || $kind === '{}') {
            return [];
        }
        if (strncmp($type, 'enum:', 5) === 0) {
            return substr($type, 5);
        }
        switch ($type) {
            case 'int64':
            case 'int32':
                return 0;
            case 'double':
                return 0.0;
            case 'bool':
                return false;
            case 'string':
            case 'bytes':
                return '';
            default:
                return null;
        }
    }

    private static function specialDouble(string $value): float
    {
        switch ($value) {
            case 'NaN':
                return NAN;
            case 'Infinity':
                return INF;
            case '-Infinity':
                return -INF;
            default:
                return (float) $value;
        }
    }
}
