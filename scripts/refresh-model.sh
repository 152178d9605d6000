#!/usr/bin/env bash
# Refreshes the bundled contract from AWS's published Smithy model of IVS real-time.
#
# Usage: scripts/refresh-model.sh [AWS_MODEL.json] [--commit SHA]
#   AWS_MODEL.json  a copy of models/ivs-realtime/service/2020-07-14/ivs-realtime-2020-07-14.json
#                   from aws/api-models-aws (default: the copy in spec/testdata/)
#   --commit SHA    the aws/api-models-aws commit the copy was taken at (recorded in metadata;
#                   default: the commit the bundled file records now)
#
# It copies the model into spec/testdata/ (the fixture the tests load as users would), then
# writes spec/ivs-realtime-list-participant-events.json: the closure of ListParticipantEvents with
# documentation dropped and provenance + sha256 recorded. Our additions stay in spec/lpe-overlay.json
# and are not touched. Then rebuild and run the tests: spec_test fails if the overlay no longer
# fits the new model, or if the bundled file is not what this script makes.
set -euo pipefail
cd "$(dirname "$0")/.."
input=spec/testdata/ivs-realtime-2020-07-14.json
commit=""
while [ $# -gt 0 ]; do
  case "$1" in
    --commit) commit="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) input="$1"; shift ;;
  esac
done
bundled=spec/ivs-realtime-list-participant-events.json
if [ -z "$commit" ]; then
  commit=$(sed -n 's/.*"commit": "\([^"]*\)".*/\1/p' "$bundled" | head -n1)
fi
if [ "$input" != spec/testdata/ivs-realtime-2020-07-14.json ]; then
  cp "$input" spec/testdata/ivs-realtime-2020-07-14.json
fi
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target lpe-derive-model
build/bin/lpe-derive-model --input spec/testdata/ivs-realtime-2020-07-14.json \
  --operation ListParticipantEvents --output "$bundled" \
  --repository aws/api-models-aws \
  --path models/ivs-realtime/service/2020-07-14/ivs-realtime-2020-07-14.json \
  --commit "$commit"
echo "refresh-model.sh: wrote $bundled (sha256 of the source: $(sha256sum spec/testdata/ivs-realtime-2020-07-14.json | cut -c1-64))"
