-- wrk reporter for bench/api_load.py: one machine-readable line with throughput, errors and latency
-- percentiles (wrk measures latency in microseconds). Headers come from wrk's -H option.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\"requests\": %d, \"duration_us\": %d, \"bytes\": %d, " ..
    "\"err_connect\": %d, \"err_read\": %d, \"err_write\": %d, \"err_status\": %d, \"err_timeout\": %d, " ..
    "\"mean_us\": %.1f, \"p50_us\": %d, \"p90_us\": %d, \"p95_us\": %d, \"p99_us\": %d, \"max_us\": %d}\n",
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
