#!/bin/sh
# Writes a man page from a program's own `--help`, so the command table is written once (in the
# code that also parses it) and the man page can never disagree with it.
#   make-man.sh PROGRAM DESCRIPTION VERSION FILES_TEXT OUT
set -eu
program=$1 description=$2 version=$3 files=$4 out=$5
name=$(basename "$program")
upper=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
# roff: a backslash is written \e; a line may not start with '.' or "'".
escape() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
{
  printf '.TH %s 1 "" "waystation %s" "User Commands"\n' "$upper" "$version"
  printf '.SH NAME\n%s \\- %s\n' "$name" "$description"
  printf '.SH DESCRIPTION\nThe text below is what \\fB%s \\-\\-help\\fR prints.\n.PP\n.nf\n' "$name"
  "$program" --help | escape
  printf '.fi\n.SH FILES\n%s\n' "$files"
  printf '.SH SEE ALSO\n/usr/share/doc/%s/README.md.gz\n' "waystation-$( [ "$name" = sync-server ] && echo sync-server || echo kiosk)"
} | gzip -9n >"$out"
