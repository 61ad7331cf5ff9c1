-- hit.lua: POST /api/hit as navigator.sendBeacon sends it, cycling over the
-- page paths in env BENCH_PATHS (space-separated; all in the site manifest).
-- The requests are formatted once, in init(): wrk's Lua must not be what
-- limits the rate on a two-core machine.

-- wrk.format() ignores wrk.headers (the -H options: User-Agent) when it is
-- given a table: start from a copy of them.
local function headers(extra)
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  for k, v in pairs(extra) do h[k] = v end
  return h
end

local reqs = {}
local n = 0

function init(args)
  for p in string.gmatch(os.getenv("BENCH_PATHS") or "/nl/", "%S+") do
    local body = "p=" .. p:gsub("/", "%%2F") .. "&e=view"
    reqs[#reqs + 1] = wrk.format("POST", "/api/hit",
      headers({ ["Content-Type"] = "application/x-www-form-urlencoded" }), body)
  end
end

request = function()
  n = n % #reqs + 1
  return reqs[n]
end
