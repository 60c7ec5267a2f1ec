alter table main.`t` alter column 'x' set not null;
