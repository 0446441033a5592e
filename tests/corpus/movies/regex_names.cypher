MATCH (p:Person) WHERE p.name =~ '.*Wachowski' RETURN p.name
