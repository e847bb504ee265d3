-- mix.lua: the request mix of the proxy benchmarks, for wrk.
--
-- 200 actors send a fixed, pre-built cycle of 1,024 API requests: 80 carry a
-- session cookie, 80 a bearer JWT with a sub claim, 40 only a user agent;
-- about one request in fifty carries an attack (SQL injection, path
-- traversal, XSS). GETs and POSTs with small JSON bodies. Every target gets
-- the same cycle, so nginx, mitmdump and spoor do the same work; for spoor it
-- means many sessions to group and requests to tag.
--
-- done() prints one machine-readable line that bench/proxy.sh parses:
--   WRK requests=N duration_us=N rps=X p50_us=N p99_us=N connect=N read=N
--       write=N timeout=N non2xx=N

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

-- base64url without padding, as JWTs use.
local function b64url(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local k = #s - i + 1
    out[#out + 1] = b64chars:sub(math.floor(n / 262144) % 64 + 1, math.floor(n / 262144) % 64 + 1)
    out[#out + 1] = b64chars:sub(math.floor(n / 4096) % 64 + 1, math.floor(n / 4096) % 64 + 1)
    if k > 1 then out[#out + 1] = b64chars:sub(math.floor(n / 64) % 64 + 1, math.floor(n / 64) % 64 + 1) end
    if k > 2 then out[#out + 1] = b64chars:sub(n % 64 + 1, n % 64 + 1) end
  end
  return table.concat(out)
end

-- A fixed linear congruential generator: the same cycle on every run.
local seed = 20261126
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return math.floor(seed / 65536) % n
end

local agents = {
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
  "shop-ios/4.2.1 (iPhone; iOS 18.1)",
  "okhttp/4.12.0",
}

local attacks = {
  "/api/v1/search?q=1%27%20OR%20%271%27%3D%271",
  "/api/v1/files?name=..%2F..%2F..%2Fetc%2Fpasswd",
  "/api/v1/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
}

local pool = {}
local cursor = 0

function init(args)
  local header = b64url('{"alg":"HS256","typ":"JWT"}')
  for i = 1, 1024 do
    local actor = rand(200)
    local headers = {
      ["Host"] = wrk.host .. ":" .. wrk.port,
      ["Accept"] = "application/json",
      ["User-Agent"] = agents[actor % #agents + 1],
    }
    if actor < 80 then
      headers["Cookie"] = string.format("sid=%016x; theme=dark", actor * 2654435761 % 4294967296)
    elseif actor < 160 then
      local claims = b64url(string.format('{"sub":"user-%d","iss":"shop","role":"customer","exp":1900000000}', actor))
      headers["Authorization"] = "Bearer " .. header .. "." .. claims .. ".c2lnbmF0dXJl"
    else
      headers["User-Agent"] = "python-requests/2.32 bot-" .. actor
    end
    local method, path, body = "GET", nil, nil
    local kind = rand(100)
    if kind < 2 then
      path = attacks[rand(#attacks) + 1]
    elseif kind < 40 then
      path = "/api/v1/products/" .. rand(5000)
    elseif kind < 70 then
      path = string.format("/api/v1/users/%d/orders?page=%d", actor, rand(5) + 1)
    elseif kind < 85 then
      path = "/api/v1/search?q=lamp&sort=price&page=" .. (rand(3) + 1)
    else
      method, path = "POST", "/api/v1/cart"
      body = string.format('{"sku":"A-%d","qty":%d}', rand(900), rand(4) + 1)
      headers["Content-Type"] = "application/json"
    end
    pool[i] = wrk.format(method, path, headers, body)
  end
end

function request()
  cursor = cursor % #pool + 1
  return pool[cursor]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d connect=%d read=%d write=%d timeout=%d non2xx=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
