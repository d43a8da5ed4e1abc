// Original file: keygate/v1/key_admin.proto


export interface ImportFieldViolation {
  'field'?: (string);
  'description'?: (string);
}

export interface ImportFieldViolation__Output {
  'field': (string);
  'description': (string);
}
