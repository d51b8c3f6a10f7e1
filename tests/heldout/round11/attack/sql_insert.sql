INSERT INTO docs (title, marking) VALUES ('Plan', 'SECRET UE');
