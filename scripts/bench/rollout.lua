-- wrk script: a rollout. Each request is a different phone's first fetch of its device file,
-- with that phone's own User-Agent, inside its window (the fetch that issues its credentials).
-- Thread k of n takes the MACs first+k, first+k+n, ...; a thread stops when it has no phone
-- left, so no phone is fetched twice (the run is sized so that none runs out: a stopped thread
-- would skew wrk's rate). With BENCH_WRAP=1 the threads go round the first BENCH_COUNT phones
-- again instead (the fleet after its rollout). BENCH_FIRST (hex), BENCH_COUNT, BENCH_THREADS.
local first = tonumber(os.getenv("BENCH_FIRST"), 16)
local total = tonumber(os.getenv("BENCH_COUNT"))
local threads = tonumber(os.getenv("BENCH_THREADS"))
local wrap = os.getenv("BENCH_WRAP") == "1"
local count = 0

function setup(thread)
  thread:set("id", count)
  count = count + 1
end

function init(args)
  next_index = id
end

local function mac(value)
  local hex = string.format("%012x", value)
  return hex, hex:gsub("(%x%x)", "%1:"):sub(1, 17)
end

function request()
  if next_index >= total then
    if not wrap then wrk.thread:stop() end
    next_index = id
  end
  local hex, colons = mac(first + next_index)
  next_index = next_index + threads
  return wrk.format("GET", "/sip-ps/" .. hex .. ".cfg", { ["User-Agent"] = "Yealink SIP-T46G 28.83.0.120 " .. colons })
end
