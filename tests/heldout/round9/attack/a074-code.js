const banner = `NATO ${"SEC"}RET`;
console.log(banner);
