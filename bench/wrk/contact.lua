-- contact.lua: POST /api/contact, a distinct valid form on every request
-- (a repeated identical form would be stored once, as a double click).
-- wrk -s contact.lua; env BENCH_LANG (default nl) names the form's language,
-- BENCH_RUN (any token) makes this run's forms differ from other runs'.
local n = 0
-- `tid` is a global set per thread by setup()
local threads = 0
local lang = os.getenv("BENCH_LANG") or "nl"
-- BENCH_RUN tells runs apart: without it a second run would repeat the
-- first one's forms, which hhd-fcgi rightly stores only once.
local run = os.getenv("BENCH_RUN") or "0"

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

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
  local id = run .. "-" .. tid .. "-" .. n
  local body = "lang=" .. lang .. "&incident=&node=&name=Bench+" .. id ..
    "&company=Bench+BV&email=bench-" .. id .. "%40example.org&phone=" ..
    "&message=Onze+bestanden+zijn+versleuteld.+Verzoek+" .. id ..
    "&consent=yes&website="
  return wrk.format("POST", "/api/contact",
    headers({ ["Content-Type"] = "application/x-www-form-urlencoded" }), body)
end
