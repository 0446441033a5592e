RETURN 'hello' STARTS WITH 'he', 'hello' ENDS WITH 'lo', 'hello' CONTAINS 'ell', 'hello' =~ 'h.*o', 'hello' =~ 'H.*',
       null STARTS WITH 'a', 'abc' CONTAINS null
