package dev.commission.server.redis;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisExecProvider;

/**
 * The redis-server shipped in the org.signal embedded-redis artifact, run as a child process
 * when no Redis is configured: loopback only, on a free port, with append-only persistence in a
 * data folder, so a restart on the same folder finds every campaign again.
 *
 * <p>The process is managed here rather than by the artifact's own launcher so that its output
 * is drained for as long as it runs (a full pipe would stall Redis), so that a data folder is
 * never used by two servers at once, and so that it is supervised: if it exits without being
 * asked to, that is logged at ERROR at once and it is started again on the same folder and the
 * same port (where the Redis client reconnects by itself), after 0.1 s, doubling up to 5 s while
 * it keeps failing. Call {@link #close()}; nothing stops it implicitly.
 */
public final class EmbeddedRedis implements AutoCloseable {
    /** The version of the shipped binary. */
    public static final String VERSION = RedisExecProvider.redisVersion;
    public static final String HOST = "127.0.0.1";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);
    private static final Logger serverLog = LoggerFactory.getLogger("redis-server");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FIRST_RESTART_DELAY = Duration.ofMillis(100);
    private static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(5);
    /** A process that ran this long before it died was healthy: the next restart comes at once again. */
    private static final Duration STABLE_RUN = Duration.ofSeconds(30);
    private static final String READY = "Ready to accept connections";
    private static final String LOCK_FILE = "commission-server.lock";
    private static final String PID_FILE = "redis.pid";
    private static final int START_ATTEMPTS = 3;
    /** glibc says "Address already in use", the musl the shipped binary is built with "Address in use". */
    private static final Pattern PORT_TAKEN = Pattern.compile("Address (already )?in use");
    private static final Pattern TROUBLE = Pattern.compile("WARNING|[Ee]rror|[Ff]ail|[Ff]atal|[Cc]an't|[Cc]annot|[Uu]nable|No space");

    private final Path dataDir;
    private final int port;
    private final File binary;
    private final FileChannel lockChannel;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledExecutorService supervisor;
    /** The running process (or the one that died, until its successor runs); guarded by this. */
    private Process process;
    private long startedAt;
    /** Touched by the supervisor's one thread only. */
    private Duration restartDelay = FIRST_RESTART_DELAY;
    private int failedRestarts;

    private EmbeddedRedis(Path dataDir, int port, File binary, Process process, FileChannel lockChannel) {
        this.dataDir = dataDir;
        this.port = port;
        this.binary = binary;
        this.process = process;
        this.startedAt = System.nanoTime();
        this.lockChannel = lockChannel;
        this.supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "embedded-redis-supervisor");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts redis-server with its data in {@code dataDir} (created if missing), waits until it
     * accepts connections and supervises it from then on.
     *
     * @throws IOException if the folder is in use by another server or redis-server does not start
     */
    public static EmbeddedRedis start(Path dataDir) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        FileChannel lockChannel = lock(dir);
        try {
            stopLeftover(dir);
            File binary = RedisExecProvider.defaultProvider().get();
            IOException failure = null;
            for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
                int port = freePort();
                try {
                    Process process = launch(binary, port, dir);
                    EmbeddedRedis redis = new EmbeddedRedis(dir, port, binary, process, lockChannel);
                    log.info("No Redis configured: started embedded redis-server {} on {}:{}, append-only persistence in {}",
                            VERSION, HOST, port, dir);
                    redis.supervise(process);
                    return redis;
                } catch (PortTakenException e) {
                    failure = e; // another process took the free port first: pick another
                }
            }
            throw failure;
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public String host() {
        return HOST;
    }

    /** The URL to give a Redis client. */
    public String url() {
        return "redis://" + HOST + ":" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Whether redis-server runs now: false between an unexpected exit and the restart, and after {@link #close()}. */
    public synchronized boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Stops supervising, then stops redis-server with SIGTERM, on which it syncs the append-only
     * file and exits, and releases the data folder. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            supervisor.shutdownNow(); // a restart under way is interrupted, and stops what it started
            if (!supervisor.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("embedded redis-server supervisor did not stop within {} s", STOP_TIMEOUT.toSeconds());
            }
            Process current;
            synchronized (this) {
                current = process;
            }
            stop(current);
            log.info("embedded redis-server on {}:{} stopped (exit code {})", HOST, port,
                    current.isAlive() ? "?" : current.exitValue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (this) {
                process.destroyForcibly();
            }
        } finally {
            try {
                lockChannel.close();
            } catch (IOException e) {
                log.debug("cannot release the lock on {}: {}", dataDir, e.toString());
            }
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("embedded redis-server pid {} did not stop within {} s; killing it", process.pid(),
                    STOP_TIMEOUT.toSeconds());
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Restarts {@code running} when it exits, unless {@link #close()} stopped it. */
    private void supervise(Process running) {
        running.onExit().thenAccept(this::exited);
    }

    private void exited(Process dead) {
        long ranNanos;
        synchronized (this) {
            if (closed.get() || dead != process) {
                return;
            }
            ranNanos = System.nanoTime() - startedAt;
        }
        log.error("embedded redis-server pid {} on {}:{} exited unexpectedly, {}, after running {} s; data folder {}; "
                        + "restarting it there, on the same port", dead.pid(), HOST, port, exitDescription(dead.exitValue()),
                String.format("%.1f", ranNanos / 1e9), dataDir);
        try {
            supervisor.execute(() -> {
                if (ranNanos >= STABLE_RUN.toNanos()) {
                    restartDelay = FIRST_RESTART_DELAY;
                    failedRestarts = 0;
                }
                log.warn("restarting embedded redis-server on {}:{} in {} ms", HOST, port, scheduleRestart().toMillis());
            });
        } catch (RejectedExecutionException e) {
            // closing: nothing to restart
        }
    }

    /** Runs on the supervisor; the delay after which the restart comes. */
    private Duration scheduleRestart() {
        Duration delay = restartDelay;
        restartDelay = delay.multipliedBy(2).compareTo(MAX_RESTART_DELAY) > 0 ? MAX_RESTART_DELAY : delay.multipliedBy(2);
        try {
            supervisor.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing: nothing to restart
        }
        return delay;
    }

    /** Runs on the supervisor. */
    private void restart() {
        if (closed.get()) {
            return;
        }
        Process started;
        try {
            started = launch(binary, port, dataDir);
        } catch (PortTakenException e) {
            failedRestarts++;
            log.warn("embedded redis-server cannot restart: port {} on {} is taken by another process; waiting for it "
                    + "to be free (the Redis client reconnects to that port only): trying again in {} ms", port, HOST,
                    scheduleRestart().toMillis());
            return;
        } catch (InterruptedIOException e) {
            return; // closing
        } catch (IOException e) {
            failedRestarts++;
            log.error("embedded redis-server did not restart on {}: {}; trying again in {} ms", dataDir, e.getMessage(),
                    scheduleRestart().toMillis());
            return;
        }
        synchronized (this) {
            if (closed.get()) {
                started.destroyForcibly();
                return;
            }
            process = started;
            startedAt = System.nanoTime();
        }
        log.info("embedded redis-server restarted on {}:{} (pid {}){}; it reloaded its append-only data from {}", HOST,
                port, started.pid(), failedRestarts == 0 ? "" : " after " + failedRestarts + " failed attempt" + (failedRestarts == 1 ? "" : "s"), dataDir);
        failedRestarts = 0;
        supervise(started);
    }

    /** Java reports a process ended by signal N as exit code 128 + N. */
    static String exitDescription(int exitCode) {
        if (exitCode > 128 && exitCode < 128 + 65) {
            int signal = exitCode - 128;
            String name = switch (signal) {
                case 6 -> "SIGABRT";
                case 9 -> "SIGKILL";
                case 11 -> "SIGSEGV";
                case 15 -> "SIGTERM";
                default -> null;
            };
            return name == null ? "killed by signal " + signal + " (exit code " + exitCode + ")"
                    : "killed by " + name + " (signal " + signal + ", exit code " + exitCode + ")";
        }
        return "exit code " + exitCode;
    }

    /** Locks the folder for this process; the lock goes when the channel closes or the JVM dies. */
    private static FileChannel lock(Path dir) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("data dir " + dir + " is in use by another commission-server");
        }
        return channel;
    }

    /**
     * A redis-server that outlived its JVM (killed with SIGKILL) would still be writing to this
     * folder; the lock says no live server owns it, so that process is stopped before a new one starts.
     */
    private static void stopLeftover(Path dir) throws IOException {
        Path pidFile = dir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> leftover;
        try {
            leftover = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (NumberFormatException e) {
            leftover = Optional.empty();
        }
        Optional<ProcessHandle> redis = leftover.filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false));
        if (redis.isPresent()) {
            ProcessHandle process = redis.get();
            log.warn("redis-server pid {} from an earlier run still uses {}; stopping it first", process.pid(), dir);
            process.destroy();
            try {
                process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while stopping redis-server pid " + process.pid());
            }
        }
        Files.deleteIfExists(pidFile);
    }

    private static Process launch(File binary, int port, Path dir) throws IOException {
        List<String> command = List.of(binary.getAbsolutePath(),
                "--port", Integer.toString(port),
                "--bind", HOST,
                "--appendonly", "yes",
                "--dir", dir.toString(),
                "--pidfile", dir.resolve(PID_FILE).toString());
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Deque<String> startupOutput = new ArrayDeque<>();
        Thread pump = new Thread(() -> pump(process, ready, startupOutput), "redis-server-" + port + "-output");
        pump.setDaemon(true);
        pump.start();
        try {
            ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return process;
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            String output;
            synchronized (startupOutput) {
                output = String.join("\n", startupOutput);
            }
            if (PORT_TAKEN.matcher(output).find()) {
                throw new PortTakenException(port);
            }
            throw new IOException((e instanceof TimeoutException
                    ? "redis-server did not start within " + START_TIMEOUT.toSeconds() + " s"
                    : "redis-server exited while starting") + "; its output:\n" + output);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while starting redis-server");
        }
    }

    /** Reads redis-server's output until it exits: kept for the error message until it is ready, logged always. */
    private static void pump(Process process, CompletableFuture<Void> ready, Deque<String> startupOutput) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (!ready.isDone()) {
                    synchronized (startupOutput) {
                        startupOutput.addLast(line);
                        if (startupOutput.size() > 40) {
                            startupOutput.removeFirst();
                        }
                    }
                    if (line.contains(READY)) {
                        ready.complete(null);
                    }
                }
                if (isTrouble(line)) {
                    serverLog.warn(line);
                } else {
                    serverLog.debug(line);
                }
            }
        } catch (IOException e) {
            serverLog.debug("output closed: {}", e.toString());
        }
        ready.completeExceptionally(new EOFException("redis-server exited"));
    }

    /**
     * Redis logs its banner, start and shutdown at the same level ('#') as its real warnings, so
     * among those only the lines that read like trouble are worth an operator's attention.
     */
    static boolean isTrouble(String line) {
        return line.contains(" # ") && TROUBLE.matcher(line).find();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static final class PortTakenException extends IOException {
        private static final long serialVersionUID = 1L;

        PortTakenException(int port) {
            super("port " + port + " was taken before redis-server could bind it");
        }
    }
}
