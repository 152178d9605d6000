-- The request both servers get in bench/mock_vs_bare.sh: the first page (default size 50) of the
-- 250-event participant of `lpe mock`'s default dataset.
wrk.method = "POST"
wrk.path = "/ListParticipantEvents"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"stageArn":"arn:aws:ivs:us-west-2:123456789012:stage/lpeStageB002",' ..
           '"sessionId":"st-lpeSession003","participantId":"p-250-events"}'
