# Sourced by run.sh and speed.sh: the libFuzzer flags of one target, as OSS-Fuzz reads them (the
# [libfuzzer] keys of <target>_fuzzer.options, whose max_len matches the target's size cap) and
# its dictionary. Usage: fuzz_target_flags ROOT TARGET; sets the array `flags`.
fuzz_target_flags() {
  local root="$1" target="$2" key value
  flags=()
  local options_file="$root/fuzz/${target}_fuzzer.options"
  if [ -f "$options_file" ]; then
    while IFS='=' read -r key value; do
      key="$(echo "$key" | tr -d '[:space:]')"
      value="$(echo "$value" | tr -d '[:space:]')"
      [ -n "$key" ] && [ -n "$value" ] && [[ "$key" != \[* ]] && flags+=("-$key=$value")
    done < "$options_file"
  fi
  local dict="$root/fuzz/${target}_fuzzer.dict"
  [ -f "$dict" ] && flags+=("-dict=$dict")
  return 0
}
