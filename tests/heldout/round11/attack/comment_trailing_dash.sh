# SECRET UE -- relay config
relay --start
