// all(), none() and single() per acting credit of Hugo Weaving.
MATCH (:Person {name: 'Hugo Weaving'})-[r:ACTED_IN]->(m)
RETURN m.title, all(x IN r.roles WHERE size(x) > 5) AS all_long, none(x IN r.roles WHERE x CONTAINS 'Smith') AS no_smith,
       single(x IN r.roles WHERE x STARTS WITH 'Old') AS one_old
