# Shared by bench-storm and bench-storm-nodes (sourced): the fleet and the storm report.
# Needs: $work, $bin, $concurrency, and json() / $api / $rs for fleet().

# fleet PHONES: nine Yealink T46G for one snom D765, registered by block import (inside their
# window) and written to $work/fleet.csv in the import format for `pieuvre simulate --csv`.
fleet() {
  local phones=$1 yealink snom block first count model left next n mac
  yealink=$((phones * 9 / 10)); snom=$((phones - yealink))
  python3 - "$yealink" "$snom" > "$work/fleet.csv" <<'PY'
import sys
y, s = int(sys.argv[1]), int(sys.argv[2])
mac = lambda v: ":".join(f"{(v >> sh) & 0xff:02X}" for sh in range(40, -8, -8))
print("mac,model,sda,description")
for i in range(y): print(f"{mac(0x001565200000 + i)},yealink-t46g,,")
for i in range(s): print(f"{mac(0x000413200000 + i)},snom-d765,,")
PY
  for block in "001565200000 $yealink yealink-t46g" "000413200000 $snom snom-d765"; do
    read -r first count model <<<"$block"
    left=$count; next=$((16#$first))
    while [ "$left" -gt 0 ]; do
      n=$(( left > 10000 ? 10000 : left ))
      mac=$(python3 -c "v=$next; print(':'.join(f'{(v>>s)&0xff:02X}' for s in range(40,-8,-8)))")
      json "$api/customers/10000/phones/import" -H "Authorization: Bearer $rs" -d "{\"block\":{\"firstMac\":\"$mac\",\"count\":$n,\"model\":\"$model\"}}" >/dev/null
      left=$((left - n)); next=$((next + n))
    done
  done
}

# storm LABEL SIMULATE-ARGUMENTS...: the fleet through `pieuvre simulate`, one line of figures.
storm() {
  local label=$1; shift
  "$bin" simulate --csv "$work/fleet.csv" --concurrency "$concurrency" --json "$@" > "$work/out.json" || true
  python3 - "$label" "$work/out.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))
f = r["files"]
lat = " ".join(f"{k} p50 {f[k]['p50Ms']} p99 {f[k]['p99Ms']} ms" for k in ("boot", "common", "device") if k in f)
fail = sum(r["failed"].values())
print(f"{sys.argv[1]:<30} {r['phones']} phones in {r['seconds']:.2f} s: {r['phonesPerSecond']:.0f} phones/s, {r['filesPerSecond']:.0f} files/s, {fail} failed {r['failed'] if fail else ''} | {lat}")
PY
}
