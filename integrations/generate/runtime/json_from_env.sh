# ah_json PREFIX "Name:type ..." prints a JSON object of the variables PREFIX<Name> that are set
# and not empty (empty = not given). Values come from the environment, never from shell code:
# strings get their \ and " escaped; booleans and numbers are checked before they are written.
ah_json() {
  ah_prefix=$1 ah_out=""
  for ah_spec in $2; do
    ah_name=${ah_spec%%:*} ah_kind=${ah_spec#*:}
    eval "ah_value=\${$ah_prefix$ah_name-}"
    [ -n "$ah_value" ] || continue
    case $ah_kind in
      string) ah_value="\"$(printf '%s' "$ah_value" | sed 's/[\\"]/\\&/g')\"" ;;
      boolean) case $ah_value in
          true | True | TRUE) ah_value=true ;;
          false | False | FALSE) ah_value=false ;;
          *) echo "$ah_name: not a boolean: $ah_value" >&2; return 2 ;;
        esac ;;
      integer | number) case $ah_value in
          *[!0-9.eE+-]*) echo "$ah_name: not a number: $ah_value" >&2; return 2 ;;
        esac ;;
      *) ;;  # arrays and objects are given as JSON text
    esac
    ah_out="$ah_out${ah_out:+,}\"$ah_name\":$ah_value"
  done
  printf '{%s}' "$ah_out"
}
