import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'switchboard:public';
/** Opts a controller or route out of the deny-by-default admin guard. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
