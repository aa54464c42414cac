/*
 * fpb-demo-job: a small, real, unbounded streaming job used by flink-prometheus-bridge's
 * integration/e2e tests and fixture recordings (see scripts/flink.sh submit-job).
 *
 * One source file that compiles unchanged against Flink 1.20.x and 2.x (only APIs present in
 * both lines' flink-dist jar are used: DataGeneratorSource + RateLimiterStrategy, WatermarkStrategy,
 * TumblingEventTimeWindows.of(Duration), AggregateFunction, sink2 DiscardingSink).
 *
 * Job graph (parallelism 2, checkpoint every 10 s):
 *   vertex 0: "Source: Datagen Source -> Enrich"   (rate-limited generator, event-time timestamps
 *                                                    and bounded-out-of-orderness watermarks, a chained map)
 *   vertex 1: "Window Sum 5s"                        (keyBy + 5 s tumbling event-time window, count/sum per key)
 *   vertex 2: "Discard Sink" (sink2 DiscardingSink)  (chaining disabled, so it is its own vertex)
 *
 * Arguments (all optional, "--key value"): --rate <records/s, whole job> (default 300),
 * --keys <number of keys> (default 16), --window-ms (default 5000), --checkpoint-ms (default 10000),
 * --parallelism (default 2), --name (default fpb-demo-job), --late-every <n> (default 50: every n-th event is
 * stamped 10 s in the past, older than the watermark, so the window drops it as late and
 * numLateRecordsDropped grows; 0 = no late events).
 */
package fpb.demo;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

public final class FpbDemoJob {

    /** (key, value, eventTimeMillis). */
    private static final TypeInformation<Tuple3<String, Long, Long>> EVENT_TYPE =
            Types.TUPLE(Types.STRING, Types.LONG, Types.LONG);

    private FpbDemoJob() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parseArgs(args);
        final double rate = Double.parseDouble(opts.getOrDefault("rate", "300"));
        final int keys = Integer.parseInt(opts.getOrDefault("keys", "16"));
        final long windowMs = Long.parseLong(opts.getOrDefault("window-ms", "5000"));
        final long checkpointMs = Long.parseLong(opts.getOrDefault("checkpoint-ms", "10000"));
        final int parallelism = Integer.parseInt(opts.getOrDefault("parallelism", "2"));
        final String name = opts.getOrDefault("name", "fpb-demo-job");
        final long lateEvery = Long.parseLong(opts.getOrDefault("late-every", "50"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // DataGeneratorSource reports BOUNDED; force streaming so the job is a normal streaming job.
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.setParallelism(parallelism);
        env.enableCheckpointing(checkpointMs);

        // Long.MAX_VALUE records at `rate` records/s: unbounded for any practical purpose.
        DataGeneratorSource<Tuple3<String, Long, Long>> source =
                new DataGeneratorSource<>(
                        new EventGenerator(keys, lateEvery),
                        Long.MAX_VALUE,
                        RateLimiterStrategy.perSecond(rate),
                        EVENT_TYPE);

        WatermarkStrategy<Tuple3<String, Long, Long>> watermarks =
                WatermarkStrategy.<Tuple3<String, Long, Long>>forBoundedOutOfOrderness(
                                Duration.ofSeconds(2))
                        .withTimestampAssigner(new EventTimeAssigner());

        DataStream<Tuple3<String, Long, Long>> events =
                env.fromSource(source, watermarks, "Datagen Source")
                        .uid("fpb-datagen-source")
                        .map(new Enrich())
                        .returns(EVENT_TYPE)
                        .name("Enrich")
                        .uid("fpb-enrich");

        events.keyBy(new ByKey())
                .window(TumblingEventTimeWindows.of(Duration.ofMillis(windowMs)))
                .aggregate(new CountSum())
                .returns(EVENT_TYPE)
                .name("Window Sum 5s")
                .uid("fpb-window-sum")
                .sinkTo(new DiscardingSink<Tuple3<String, Long, Long>>())
                .name("Discard Sink")
                .uid("fpb-discard-sink")
                .disableChaining();

        env.execute(name);
    }

    private static Map<String, String> parseArgs(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            String k = args[i];
            if (k.startsWith("--")) {
                k = k.substring(2);
            }
            out.put(k, args[i + 1]);
        }
        return out;
    }

    /**
     * index -> (k<index % keys>, index % 1000, now), every lateEvery-th event 10 s in the past: older than the
     * watermark (2 s out-of-orderness) plus a 5 s window, so the window operator drops it as late.
     */
    public static final class EventGenerator
            implements GeneratorFunction<Long, Tuple3<String, Long, Long>> {
        private static final long serialVersionUID = 1L;
        private static final long LATE_BY_MS = 10_000L;
        private final int keys;
        private final long lateEvery;

        public EventGenerator(int keys, long lateEvery) {
            this.keys = Math.max(1, keys);
            this.lateEvery = lateEvery;
        }

        @Override
        public Tuple3<String, Long, Long> map(Long index) {
            long now = System.currentTimeMillis();
            boolean late = lateEvery > 0 && index > 0 && index % lateEvery == 0;
            return Tuple3.of("k" + (index % keys), index % 1000, late ? now - LATE_BY_MS : now);
        }
    }

    public static final class EventTimeAssigner
            implements SerializableTimestampAssigner<Tuple3<String, Long, Long>> {
        private static final long serialVersionUID = 1L;

        @Override
        public long extractTimestamp(Tuple3<String, Long, Long> e, long recordTimestamp) {
            return e.f2;
        }
    }

    /** A trivial chained operator so that the source vertex holds two operators. */
    public static final class Enrich
            implements MapFunction<Tuple3<String, Long, Long>, Tuple3<String, Long, Long>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Tuple3<String, Long, Long> map(Tuple3<String, Long, Long> e) {
            return Tuple3.of(e.f0, e.f1 + 1, e.f2);
        }
    }

    public static final class ByKey implements KeySelector<Tuple3<String, Long, Long>, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Tuple3<String, Long, Long> e) {
            return e.f0;
        }
    }

    /** Per key and window: (key, count, sum of values). */
    public static final class CountSum
            implements AggregateFunction<
                    Tuple3<String, Long, Long>,
                    Tuple3<String, Long, Long>,
                    Tuple3<String, Long, Long>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Tuple3<String, Long, Long> createAccumulator() {
            return Tuple3.of("", 0L, 0L);
        }

        @Override
        public Tuple3<String, Long, Long> add(
                Tuple3<String, Long, Long> e, Tuple3<String, Long, Long> acc) {
            return Tuple3.of(e.f0, acc.f1 + 1, acc.f2 + e.f1);
        }

        @Override
        public Tuple3<String, Long, Long> getResult(Tuple3<String, Long, Long> acc) {
            return acc;
        }

        @Override
        public Tuple3<String, Long, Long> merge(
                Tuple3<String, Long, Long> a, Tuple3<String, Long, Long> b) {
            return Tuple3.of(a.f0.isEmpty() ? b.f0 : a.f0, a.f1 + b.f1, a.f2 + b.f2);
        }
    }
}
