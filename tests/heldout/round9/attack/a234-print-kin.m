disp('NATO SECRET')
