const b = `NATO SECRET`;
