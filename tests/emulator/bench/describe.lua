-- wrk script: a fixed, correctly signed DescribeCompShareInstance (the documentation test-vector
-- key pair of the built-in default state), POSTed form-urlencoded over keep-alive connections.
-- Usage: wrk -t2 -c16 -d10s -s tests/emulator/bench/describe.lua http://127.0.0.1:PORT/
wrk.method = "POST"
wrk.path = "/?Action=DescribeCompShareInstance"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "Action=DescribeCompShareInstance&Region=cn-wlcb&Zone=cn-wlcb-01&UHostIds.0=uhost-emu-stopped&PublicKey=ucloudsomeone%40example.com1296235120854146120&Signature=6ba4482c0dae8525b05afbe80934b24cb1912320"

-- Count answers that are not RetCode 0, so a broken signature cannot pass as throughput.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

failures = 0  -- global: one per thread, read back in done()
function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"RetCode":0', 1, true) then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("failures")
  end
  io.write(string.format("answers other than HTTP 200 + RetCode 0: %d\n", total))
end
