// timestamp() is Neo4j's milliseconds since the epoch by the statement clock:
// the same instant as datetime() within one statement.
RETURN timestamp() = datetime().epochMillis AS same_instant, timestamp() > 1577836800000 AS after_2020, timestamp() % 1 = 0 AS whole
