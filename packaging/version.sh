#!/bin/sh
# Prints the package version from `git describe --tags`, in a form both
# dpkg and rpm accept (no "-", starts with a digit):
#   v1.2.3            -> 1.2.3
#   v1.2.3-4-gabc1234 -> 1.2.3+4.gabc1234
#   no tag: abc1234   -> 0.0.0+git.abc1234   (".dirty" appended if modified)
d=$(git describe --tags --always --dirty 2>/dev/null) || d=unknown
case "$d" in
v[0-9]* | [0-9]*.*) echo "$d" | sed -e 's/^v//' -e 's/-/+/' -e 's/-/./g' ;;
*) echo "0.0.0+git.$d" | sed -e 's/-/./g' ;;
esac
