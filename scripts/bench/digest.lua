-- wrk script: every request answers the digest challenge with its own nonce count, as a phone
-- would. Each wrk thread has its own nonce (BENCH_NONCES), so counts never collide.
package.path = os.getenv("BENCH_DIR") .. "/?.lua;" .. package.path
require("md5")

local nonces = {}
for n in string.gmatch(os.getenv("BENCH_NONCES"), "[^,]+") do nonces[#nonces + 1] = n end
local user, ha1, uri, agent = os.getenv("BENCH_USER"), os.getenv("BENCH_HA1"), os.getenv("BENCH_URI"), os.getenv("BENCH_UA")
local ha2 = md5("GET:" .. uri)
local count = 0

function setup(thread)
  count = count + 1
  thread:set("id", count)
end

function init(args)
  nonce = nonces[id]
  nc = 0
end

function request()
  nc = nc + 1
  local ncs = string.format("%08x", nc)
  local cnonce = "wrk" .. id
  local response = md5(ha1 .. ":" .. nonce .. ":" .. ncs .. ":" .. cnonce .. ":auth:" .. ha2)
  local header = 'Digest username="' .. user .. '", realm="pieuvre", nonce="' .. nonce .. '", uri="' .. uri
    .. '", algorithm=MD5, response="' .. response .. '", qop=auth, nc=' .. ncs .. ', cnonce="' .. cnonce .. '"'
  return wrk.format("GET", uri, { ["Authorization"] = header, ["User-Agent"] = agent })
end
