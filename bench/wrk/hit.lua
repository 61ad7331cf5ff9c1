-- hit.lua: POST /api/hit as navigator.sendBeacon sends it, cycling over the
-- page paths in env BENCH_PATHS (space-separated; all in the site manifest).
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "/nl/", "%S+") do
  paths[#paths + 1] = p:gsub("/", "%%2F")
end
local n = 0

request = function()
  n = n + 1
  local body = "p=" .. paths[(n % #paths) + 1] .. "&e=view"
  return wrk.format("POST", "/api/hit",
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
