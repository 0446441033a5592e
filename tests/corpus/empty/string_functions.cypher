RETURN toUpper('abc'), toLower('ABC'), trim('  x  '), ltrim('  x'), rtrim('x  '), replace('hello', 'l', 'L'),
       substring('hello', 1, 3), split('a,b,c', ','), reverse('abc'), size('héllo'), left('hello', 2), right('hello', 2),
       'a' + 'b' + 1
