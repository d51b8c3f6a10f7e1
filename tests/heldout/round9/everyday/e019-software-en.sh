vault kv put secret/myapp db_password=hunter2
vault kv get secret/myapp
