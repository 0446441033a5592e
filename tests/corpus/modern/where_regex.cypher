// A regular expression matches the whole string.
MATCH (n) WHERE n.name =~ '.*o.*' RETURN n.name, n.name =~ 'o' AS just_o
