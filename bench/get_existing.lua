-- wrk script: GET random keys that put_count.lua stored ("s-<0|1>-<n>", n in 1..GET_KEYS/2).
local per_thread = math.floor(tonumber(os.getenv("GET_KEYS") or "1000000") / 2)

function request()
  return wrk.format("GET", string.format("/v1/data/s-%d-%07d", math.random(0, 1),
                                         math.random(1, per_thread)))
end
