RETURN toInteger('42'), toInteger('4.7'), toInteger('x'), toInteger(3.9), toInteger(-3.9), toFloat('3.5'), toFloat(2),
       toString(2.5), toString(42), toString(true), toBoolean('true'), toBoolean('no'), toInteger(null)
