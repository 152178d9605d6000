-- wrk script for bench/conform_vs_wrk.sh: one valid ListParticipantEvents request (first page of a
-- known participant), the same request every time.
wrk.method = "POST"
wrk.path = "/ListParticipantEvents"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("LPE_WRK_BODY")
