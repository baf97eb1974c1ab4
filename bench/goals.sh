# bench/goals.sh: the goals of issue 14, checked against one run's rows.
# run.sh sources it; goals() reads ROWS, SIZES and PGBENCH_TPS and prints a
# markdown list, one line per goal with ✔ or ✘ and the figures behind it.
# shellcheck shell=bash

# row_field SIZE NAME FIELD prints one field of the row NAME at SIZE
# (4 req/s, 5 p50 ms, 7 errors), or nothing when it did not run.
row_field() {
	printf '%s\n' "${ROWS[@]}" | awk -F'|' -v s="$1" -v n="$2" -v f="$3" '$1 == s && $2 == n { print $f; exit }'
}

# goal_line OK TEXT FIGURES prints one goal; OK is 1, 0, or empty when
# nothing was measured.
goal_line() {
	local mark='✘'
	case $1 in
	1) mark='✔' ;;
	'') mark='–' ;;
	esac
	printf -- '- %s %s: %s\n' "$mark" "$2" "${3:-not measured}"
}

# goal_ratio TEXT NAME OTHER FACTOR: NAME's req/s ≥ FACTOR × OTHER's at
# every size, without errors. OTHER is "pgbench" (pgbench -S), "raw" (NAME's own raw SQL)
# or a row name at POCKETBASE_RECORDS (the PocketBase rows).
goal_ratio() {
	local text=$1 name=$2 other=$3 factor=$4 size a b e r pass figures="" ok=""
	for size in $SIZES; do
		a=$(row_field "$size" "$name" 4)
		case $other in
		pgbench) b=${PGBENCH_TPS:-} ;;
		raw) b=$(row_field "$size" "$name (raw SQL)" 4) ;;
		*) b=$(row_field "${POCKETBASE_RECORDS:-}" "$other" 4) ;;
		esac
		[ -n "$a" ] && [ -n "$b" ] || continue
		e=$(row_field "$size" "$name" 7)
		read -r r pass < <(awk -v a="$a" -v b="$b" -v f="$factor" 'BEGIN {
			r = b > 0 ? a / b : 0; printf "%.3f %d\n", r, r >= f }')
		figures+="${figures:+, }$r at $size"
		# A row with errors proves nothing: the goal is not met.
		[ "${e:-0}" = 0 ] || { figures+=" (errors: not comparable)"; pass=0; }
		[ "$ok" = 0 ] || ok=$pass
	done
	goal_line "$ok" "$text" "$figures"
}

# goal_flat NAME: req/s at the smallest size ÷ req/s at the largest ≤ 1.3.
goal_flat() {
	local name=$1 sizes small large a b r pass figures
	read -ra sizes <<<"$SIZES"
	small=${sizes[0]} large=${sizes[${#sizes[@]} - 1]}
	a=$(row_field "$small" "$name" 4)
	b=$(row_field "$large" "$name" 4)
	if [ -z "$a" ] || [ -z "$b" ]; then
		goal_line "" "$name flat (req/s at $small ÷ at $large ≤ 1.3)" ""
		return
	fi
	read -r r pass < <(awk -v a="$a" -v b="$b" 'BEGIN { r = b > 0 ? a / b : 99; printf "%.2f %d\n", r, r <= 1.3 }')
	figures="$r ($a ÷ $b req/s)"
	if [ "$(row_field "$small" "$name" 7)" != 0 ] || [ "$(row_field "$large" "$name" 7)" != 0 ]; then
		figures+=" (errors: not comparable)" pass=0
	fi
	goal_line "$pass" "$name flat (req/s at $small ÷ at $large ≤ 1.3)" "$figures"
}

# goal_rss: the server's resident memory after every endpoint's load is at
# most 100 MB (PocketBase's rows are its own process).
goal_rss() {
	local max
	max=$(printf '%s\n' "${ROWS[@]}" | awk -F'|' '$2 !~ /^pocketbase/ && $8 ~ /^[0-9]+$/ { if ($8 > m) m = $8; n++ }
		END { if (n) print m }')
	if [ -z "$max" ]; then
		goal_line "" "server RSS ≤ 100 MB under the load" ""
		return
	fi
	goal_line "$((max <= 100 ? 1 : 0))" "server RSS ≤ 100 MB under the load" "at most $max MB"
}

# goals prints the goals block. The forecast and dashboard goal is read as
# throughput: the API's req/s ≥ its raw SQL's tps ÷ 1.2 (its time per
# request at most 1.2 × the raw statements' under the same load).
goals() {
	printf '### Goals\n\n'
	goal_ratio 'GET /opportunities/{id} ≥ 0.5 × pgbench -S tps' opportunity pgbench 0.5
	goal_ratio 'GET /me ≥ 0.5 × pgbench -S tps' me pgbench 0.5
	local name
	for name in opportunities-list board timeline quotes-list; do
		goal_ratio "$name ≥ 0.5 × its raw SQL tps" "$name" raw 0.5
	done
	for name in forecast dashboard; do
		goal_ratio "$name ≥ its raw SQL tps ÷ 1.2" "$name" raw 0.833333
	done
	if [ "$(wc -w <<<"$SIZES")" -lt 2 ]; then
		goal_line "" "every endpoint flat (req/s at the smallest size ÷ at the largest ≤ 1.3)" "needs two sizes in BENCH_SIZES"
	else
		while IFS='|' read -r name _; do
			[ -z "$name" ] || [ -z "$ONLY" ] || [[ $name =~ $ONLY ]] || continue
			[ -z "$name" ] || goal_flat "$name"
		done < <(endpoints)
	fi
	goal_rss
	if [ -n "${POCKETBASE_RECORDS:-}" ]; then
		goal_ratio "opportunities-list ≥ 5 × PocketBase's list of 50 (${POCKETBASE_RECORDS} records)" \
			opportunities-list 'pocketbase list 50 sorted' 5
	else
		goal_line "" "opportunities-list ≥ 5 × PocketBase's list of 50" "PocketBase did not run (BENCH_POCKETBASE)"
	fi
}
