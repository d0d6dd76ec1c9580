package dev.commission.core.queue;

/**
 * Why a delivery failed, as the caller of the queue would have been told: a status code name, a
 * stable reason word and a message for humans.
 */
public record QueueError(String code, String reason, String message) {
    public QueueError {
        code = code == null ? "" : code;
        reason = reason == null ? "" : reason;
        message = message == null ? "" : message;
    }

    public boolean isEmpty() {
        return code.isEmpty() && reason.isEmpty() && message.isEmpty();
    }
}
