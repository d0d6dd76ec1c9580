<?php

namespace Commission\V1\Http;

/**
 * The one exception the HTTP/JSON clients throw. getCode() is the gRPC status code (3 for
 * INVALID_ARGUMENT, 5 for NOT_FOUND, ...), the same number a gRPC caller reads; getReason() the
 * stable ErrorInfo reason (e.g. ORDER_CONFLICT) or null; getViolations() the BadRequest field
 * violations, each ['field' => ..., 'description' => ...]. A call that never got an answer
 * (connection refused, timed out) is UNAVAILABLE or DEADLINE_EXCEEDED: every write is idempotent,
 * so sending the same request again is safe.
 */
final class CommissionException extends \RuntimeException
{
    /** The Connect protocol's code names and the gRPC codes they stand for. */
    const CODES = [
        'canceled' => 1,
        'unknown' => 2,
        'invalid_argument' => 3,
        'deadline_exceeded' => 4,
        'not_found' => 5,
        'already_exists' => 6,
        'permission_denied' => 7,
        'resource_exhausted' => 8,
        'failed_precondition' => 9,
        'aborted' => 10,
        'out_of_range' => 11,
        'unimplemented' => 12,
        'internal' => 13,
        'unavailable' => 14,
        'data_loss' => 15,
        'unauthenticated' => 16,
    ];

    /** The Connect protocol's code for an HTTP status whose body is not an error of its own. */
    const HTTP_STATUS_CODES = [
        400 => 'internal',
        401 => 'unauthenticated',
        403 => 'permission_denied',
        404 => 'unimplemented',
        429 => 'unavailable',
        502 => 'unavailable',
        503 => 'unavailable',
        504 => 'unavailable',
    ];

    private string $codeName;
    private ?string $reason;
    private array $metadata;
    private array $violations;
    private ?string $requestId;
    private int $httpStatus;

    public function __construct(
        string $codeName,
        string $message,
        ?string $reason = null,
        array $metadata = [],
        array $violations = [],
        ?string $requestId = null,
        int $httpStatus = 0,
        ?\Throwable $previous = null
    ) {
        $known = array_key_exists($codeName, self::CODES);
        parent::__construct($message, self::CODES[$known ? $codeName : 'unknown'], $previous);
        $this->codeName = $known ? $codeName : 'unknown';
        $this->reason = $reason;
        $this->metadata = $metadata;
        $this->violations = $violations;
        $this->requestId = $requestId;
        $this->httpStatus = $httpStatus;
    }

    /** From an answer that was not 200: the server's JSON error, else what the status says. */
    public static function fromResponse(int $httpStatus, string $body): self
    {
        $error = json_decode($body, true);
        if (!is_array($error) || !is_string($error['code'] ?? null)) {
            $code = self::HTTP_STATUS_CODES[$httpStatus] ?? 'unknown';
            return new self($code, "HTTP $httpStatus: " . substr($body, 0, 200), null, [], [], null, $httpStatus);
        }
        $violations = [];
        foreach ($error['violations'] ?? [] as $violation) {
            $violations[] = [
                'field' => (string) ($violation['field'] ?? ''),
                'description' => (string) ($violation['description'] ?? ''),
            ];
        }
        return new self(
            $error['code'],
            (string) ($error['message'] ?? ''),
            isset($error['reason']) ? (string) $error['reason'] : null,
            is_array($error['metadata'] ?? null) ? $error['metadata'] : [],
            $violations,
            isset($error['requestId']) ? (string) $error['requestId'] : null,
            $httpStatus
        );
    }

    /** From a call that got no answer: curl's error number and text. */
    public static function fromTransport(int $curlError, string $text): self
    {
        $code = $curlError === CURLE_OPERATION_TIMEDOUT ? 'deadline_exceeded' : 'unavailable';
        return new self($code, "no answer: $text (curl error $curlError)");
    }

    /** The gRPC status code, e.g. 3; the same as getCode(). */
    public function getGrpcCode(): int
    {
        return $this->getCode();
    }

    /** The gRPC status name, e.g. INVALID_ARGUMENT. */
    public function getStatusName(): string
    {
        return strtoupper($this->codeName);
    }

    /** The Connect protocol's code name, e.g. invalid_argument. */
    public function getCodeName(): string
    {
        return $this->codeName;
    }

    /** The stable ErrorInfo reason, e.g. ORDER_CONFLICT; null when the error has none. */
    public function getReason(): ?string
    {
        return $this->reason;
    }

    /** The ErrorInfo metadata, name => value. */
    public function getMetadata(): array
    {
        return $this->metadata;
    }

    /** The BadRequest field violations: a list of ['field' => ..., 'description' => ...]. */
    public function getViolations(): array
    {
        return $this->violations;
    }

    /** The server's id of the request, to find it in the server's log. */
    public function getRequestId(): ?string
    {
        return $this->requestId;
    }

    /** The HTTP status of the answer; 0 when there was none. */
    public function getHttpStatus(): int
    {
        return $this->httpStatus;
    }
}
