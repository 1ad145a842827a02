-- The HTTP floor of Docs/Serving.md: GET /health only, for FusionRec's example service and
-- its Python peer alike, so that what each framework costs per request, with no model work,
-- is measured the way topk.lua measures the top-10 requests.
--
--   SCRIPT=health.lua bash load.sh ours|peer ml-small 0 10
--
-- Takes topk.lua's arguments and ignores them. Prints one RESULT line.
local host

function request()
    host = host or wrk.headers["Host"] or (wrk.host .. ":" .. wrk.port)
    return "GET /health HTTP/1.1\r\nHost: " .. host .. "\r\n\r\n"
end

function done(summary, latency, requests)
    local e = summary.errors
    local errors = e.connect + e.read + e.write + e.status + e.timeout
    local seconds = summary.duration / 1e6
    io.write(string.format(
        "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f errors=%d non2xx=%d\n",
        summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
        latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, errors, e.status))
end
