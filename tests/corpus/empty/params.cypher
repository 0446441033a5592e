// params: {"a": 2, "b": 0.5, "s": "x", "l": [1, 2], "m": {"k": "v"}, "n": null}
RETURN $a * 2, $b, $s + 'y', $l + 3, $m.k, $n IS NULL
