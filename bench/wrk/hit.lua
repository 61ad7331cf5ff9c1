-- hit.lua: POST /api/hit as navigator.sendBeacon sends it, cycling over the
-- page paths in env BENCH_PATHS (space-separated; all in the site manifest).
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "/nl/", "%S+") do
  paths[#paths + 1] = p:gsub("/", "%%2F")
end
local n = 0

-- wrk.format() ignores wrk.headers (the -H options: User-Agent) when it is
-- given a table: start from a copy of them.
local function headers(extra)
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  for k, v in pairs(extra) do h[k] = v end
  return h
end

request = function()
  n = n + 1
  local body = "p=" .. paths[(n % #paths) + 1] .. "&e=view"
  return wrk.format("POST", "/api/hit",
    headers({ ["Content-Type"] = "application/x-www-form-urlencoded" }), body)
end
