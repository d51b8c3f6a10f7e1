const isTopSecret = doc.level === Level.TopSecret;
