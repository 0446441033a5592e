UNWIND [1, 2, 3, 4] AS x RETURN percentileCont(x, 0.5), percentileDisc(x, 0.5), stDev(x) > 1.29 AND stDev(x) < 1.30
