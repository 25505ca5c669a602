package io.gatewaystack.limits.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class LogTableTest {

    private final LogTable table = new LogTable();

    private SlidingLog log(String key) {
        return table.getOrCreate(key, LogTable.hash(key), 10, 1000);
    }

    @Test
    void oneLogPerKeyFoundByAnEqualString() {
        SlidingLog a = log("per-user|u=alice");
        assertThat(log(new String("per-user|u=alice".toCharArray()))).isSameAs(a);
        assertThat(table.get("per-user|u=alice", LogTable.hash("per-user|u=alice"))).isSameAs(a);
        assertThat(table.get("per-user|u=bob", LogTable.hash("per-user|u=bob"))).isNull();
        assertThat(a.key).isEqualTo("per-user|u=alice");
        assertThat(table.size()).isOne();
    }

    @Test
    void growsRemovesAndShrinksWithoutLosingALiveKey() {
        int n = 50_000;
        List<SlidingLog> logs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            logs.add(log("k" + i));
        }
        assertThat(table.size()).isEqualTo(n);
        for (int i = 0; i < n; i += 2) { // remove the even keys, as the sweeper would
            logs.get(i).evicted = true;
            table.remove(logs.get(i));
        }
        assertThat(table.size()).isEqualTo(n / 2);
        for (int i = 0; i < n; i++) {
            String key = "k" + i;
            SlidingLog found = table.get(key, LogTable.hash(key));
            if (i % 2 == 0) {
                assertThat(found).isNull();
            } else {
                assertThat(found).isSameAs(logs.get(i));
            }
        }
        for (int i = 1; i < n; i += 2) {
            logs.get(i).evicted = true;
            table.remove(logs.get(i));
        }
        assertThat(table.size()).isZero();
        SlidingLog again = log("k0");
        assertThat(again).isNotSameAs(logs.getFirst());
        assertThat(table.size()).isOne();
        int[] seen = {0};
        table.forEach(l -> seen[0]++);
        assertThat(seen[0]).isOne();
    }

    @Test
    void threadsCreatingTheSameKeysAtOnceGetOneLogEach() throws Exception {
        int threads = 4;
        int keys = 20_000;
        ConcurrentHashMap<String, SlidingLog> first = new ConcurrentHashMap<>();
        AtomicInteger mismatches = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * 997;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < keys; i++) {
                        String key = "u" + ((i + offset) % keys);
                        SlidingLog log = log(key);
                        SlidingLog winner = first.putIfAbsent(key, log);
                        if ((winner != null && winner != log) || !log.key.equals(key)) {
                            mismatches.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(mismatches).hasValue(0);
        assertThat(table.size()).isEqualTo(keys);
    }
}
