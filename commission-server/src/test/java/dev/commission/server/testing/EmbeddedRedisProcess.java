package dev.commission.server.testing;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The embedded redis-server of a data folder, as an operator sees it: by the pid in its redis.pid, killed with SIGKILL. */
public final class EmbeddedRedisProcess {
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

    private EmbeddedRedisProcess() {
    }

    /** The pid redis.pid names now. */
    public static long pid(Path dataDir) throws IOException {
        return Long.parseLong(Files.readString(dataDir.resolve("redis.pid")).trim());
    }

    /** Kills the redis-server of {@code dataDir} with SIGKILL and waits until it is gone; its pid. */
    public static long kill(Path dataDir) throws Exception {
        ProcessHandle process = ProcessHandle.of(pid(dataDir)).orElseThrow();
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS);
        return process.pid();
    }

    /** The pid of a live redis-server other than {@code dead}, once redis.pid names one. */
    public static long awaitRestart(Path dataDir, long dead) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            long pid = restarted(dataDir, dead);
            if (pid > 0) {
                return pid;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("redis-server was not restarted in " + dataDir);
    }

    /**
     * Kills the redis-server and binds its port before the restart does (if the restart wins,
     * kills that one too), so the restart finds the port taken until the returned socket closes.
     */
    public static ServerSocket killAndTakePort(Path dataDir, int port) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            long dead = kill(dataDir);
            while (restarted(dataDir, dead) == 0 && System.nanoTime() < deadline) {
                ServerSocket socket = new ServerSocket();
                try {
                    socket.bind(new InetSocketAddress("127.0.0.1", port));
                    return socket;
                } catch (BindException e) {
                    socket.close(); // not free yet, or the restarted redis-server has it
                }
                Thread.sleep(1);
            }
        }
        throw new AssertionError("could not take port " + port + " from a killed redis-server");
    }

    /** The pid of a live redis-server other than {@code dead} named by redis.pid, else 0. */
    private static long restarted(Path dataDir, long dead) {
        try {
            long pid = pid(dataDir);
            return pid != dead && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : 0;
        } catch (NoSuchFileException | NumberFormatException e) {
            return 0; // being rewritten
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
