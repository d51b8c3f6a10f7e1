SELECT * FROM users WHERE role = 'restricted';
