RETURN 'it\'s', "double \"q\"", size('tab\there'), 'caf\u00e9', size('a\\b')
