#!/bin/sh
# Prints the package version from `git describe --tags`, in a form both
# dpkg and rpm accept and order (no "-", starts with a digit):
#   v1.2.3            -> 1.2.3
#   v1.2.3-4-gabc1234 -> 1.2.3+4.gabc1234
#   no tag            -> 0.0.0+git20260101120000.abc1234 (commit time, then hash)
# ".dirty" is appended when the work tree has changes.
d=$(git describe --tags --always --dirty 2>/dev/null) || d=unknown
case "$d" in
v[0-9]* | [0-9]*.*) echo "$d" | sed -e 's/^v//' -e 's/-/+/' -e 's/-/./g' ;;
*)
	when=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S 2>/dev/null) || when=0
	echo "0.0.0+git$when.$d" | sed -e 's/-/./g'
	;;
esac
