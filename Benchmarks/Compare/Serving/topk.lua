-- The load of Docs/Serving.md, for FusionRec's example service and its Python peer alike:
-- top-10 requests for uniformly random users, and a WRITE_FRACTION of requests that record
-- one interaction (a random user and item) instead.
--
--   wrk -t2 -c32 -d15s -s topk.lua http://127.0.0.1:8080 -- USERS ITEMS_FILE WRITE_FRACTION [health]
--
-- USERS: user ids are 1…USERS; ITEMS_FILE: one item id a line. With `health`, every request
-- is `GET /health` instead: the HTTP floor, with no model work. Prints one RESULT line.
local users, items, writes, health = 610, {}, 0, false
local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("seed", 1000 + threads)
end

function init(args)
    users = tonumber(args[1]) or users
    for line in io.lines(args[2]) do items[#items + 1] = line end
    writes = tonumber(args[3]) or 0
    health = args[4] == "health"
    math.randomseed(seed or 1000)
end

-- The requests are concatenated from fixed parts rather than built by `wrk.format`, whose
-- header table and `string.format` calls cost wrk about as much processor time per request
-- as our service's scan: wrk shares the two cores with the service it loads.
local host

function request()
    host = host or wrk.headers["Host"] or (wrk.host .. ":" .. wrk.port)
    if health then return "GET /health HTTP/1.1\r\nHost: " .. host .. "\r\n\r\n" end
    local user = math.random(1, users)
    if math.random() < writes then
        local item = items[math.random(1, #items)]
        local body = '{"interactions":[{"user":' .. user .. ',"item":' .. item .. ',"value":1}]}'
        return "POST /api/interactions HTTP/1.1\r\nHost: " .. host .. "\r\nContent-Type: application/json\r\nContent-Length: "
            .. #body .. "\r\n\r\n" .. body
    end
    return "GET /api/users/" .. user .. "/recommendations?count=10 HTTP/1.1\r\nHost: " .. host .. "\r\n\r\n"
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
