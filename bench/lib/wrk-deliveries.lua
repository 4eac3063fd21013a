-- wrk script for bench/webhooks: sends each pre-built HTTP request of a file
-- exactly once (no request is repeated, none is invented), counts the answers
-- and says when the first went out and the last was answered. File format: "<byte length>\n<request bytes>"
-- repeated. Run with one thread (-t1): the requests live in that thread's state.
-- wrk 4 calls request() once before the run to check what it returns
-- (script_verify_request in wrk.c) and never sends that request, so the
-- first call returns a request made for that check.
local requests = {}
-- Globals, not locals: done() reads them through thread:get().
total, sent, answered, ok = 0, 0, 0, 0

function init(args)
  local f = assert(io.open(args[1], "rb"))
  while true do
    local header = f:read("*l")
    if not header then break end
    requests[#requests + 1] = f:read(tonumber(header))
  end
  f:close()
  total = #requests
end

-- wrk's main thread sleeps for the whole -d duration whatever its threads do:
-- the runner times the run from these lines and ends wrk with SIGINT at "end".
function marker(what)
  io.write(what, "\n")
  io.flush()
end

local verified = false
function request()
  if not verified then
    verified = true
    return wrk.format("GET", "/")
  end
  if sent < total then
    if sent == 0 then marker("start") end
    sent = sent + 1
    local r = requests[sent]
    requests[sent] = nil -- sent once: let it be collected
    return r
  end
  -- Every request is out: this connection sends nothing more and waits for the stop.
  return ""
end

function response(status)
  answered = answered + 1
  if status >= 200 and status < 300 then ok = ok + 1 end
  if answered == total then
    marker("end")
    wrk.thread:stop()
  end
end

local thread
function setup(t)
  thread = t
end

function done(summary, latency)
  local e = summary.errors
  io.write(string.format(
    '{"sent":%d,"answered":%d,"ok":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d}}\n',
    thread:get("sent"), thread:get("answered"), thread:get("ok"), latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout))
end
